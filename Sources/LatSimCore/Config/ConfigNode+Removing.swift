extension ConfigNode {
    /// This tree without the top-level `key`.
    public func removing(_ key: String) -> ConfigNode {
        guard case .mapping(let entries) = value else { return self }
        var copy = self
        copy.value = .mapping(entries.filter { $0.key != key })
        return copy
    }
}
