/// An invalid parameter: which one, what is wrong with it, what is allowed, what was given.
///
///     throw ParameterError(parameter: "sigma", problem: "must be positive", allowed: "> 0", given: "-1")
///
/// Thrown for operating errors (bad user input); programmer errors are preconditions.
/// Layers above prefix `parameter` with their context (a config file, a line, a key path).
public struct ParameterError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The parameter's name or key path, e.g. "latency.sigma".
    public var parameter: String
    /// What is wrong, as a phrase that follows the parameter's name: "must be positive".
    public var problem: String
    /// What is allowed, e.g. "a number > 0".
    public var allowed: String?
    /// What was given, as the user wrote it where known.
    public var given: String?

    public init(parameter: String, problem: String, allowed: String? = nil, given: String? = nil) {
        self.parameter = parameter
        self.problem = problem
        self.allowed = allowed
        self.given = given
    }

    /// The same error under a longer key path: `prefixed("links.latency")` turns "sigma" into "links.latency.sigma".
    public func prefixed(_ prefix: String) -> ParameterError {
        var copy = self
        copy.parameter = prefix.isEmpty ? parameter : (parameter.isEmpty ? prefix : prefix + "." + parameter)
        return copy
    }

    public var description: String {
        var text = "\(parameter) \(problem)"
        if let allowed { text += "; allowed: \(allowed)" }
        if let given { text += "; given: \(given)" }
        return text
    }
}
