extension ConfigNode {
    /// A tree built from Swift literals (tests, configs made in code): `KeyValuePairs` are
    /// mappings (order kept), arrays are lists, anything else a scalar written with
    /// `String(describing:)`.
    ///
    ///     let link = ConfigNode.literal(["latency": "2ms", "loss": 0.01] as KeyValuePairs<String, Any>, path: "model.link")
    public static func literal(_ value: Any, path: String = "model") -> ConfigNode {
        switch value {
        case let pairs as KeyValuePairs<String, Any>:
            return ConfigNode(value: .mapping(pairs.map { (key: $0.key, value: literal($0.value, path: path + "." + $0.key)) }),
                              location: .unknown, path: path)
        case let items as [Any]:
            return ConfigNode(value: .sequence(items.enumerated().map { literal($0.element, path: "\(path)[\($0.offset)]") }),
                              location: .unknown, path: path)
        default:
            return .scalar(String(describing: value), path: path)
        }
    }

}
