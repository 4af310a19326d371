/// An invalid config value: file and line, key path, what is wrong, what is allowed, what was given.
///
///     experiments/x.yaml:12:5: model.links[0].latency.sigma must be positive; allowed: a number > 0; given: -0.4
public struct ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    public var location: SourceLocation
    public var path: String
    public var problem: String
    public var allowed: String?
    public var given: String?

    public init(location: SourceLocation, path: String, problem: String, allowed: String? = nil, given: String? = nil) {
        self.location = location
        self.path = path
        self.problem = problem
        self.allowed = allowed
        self.given = given
    }

    public var description: String {
        var text = "\(location): \(path.isEmpty ? "config" : path) \(problem)"
        if let allowed { text += "; allowed: \(allowed)" }
        if let given { text += "; given: \(given)" }
        return text
    }
}
