import LatSimCore

/// Builds a `ConfigNode` from Swift literals: KeyValuePairs are mappings (order kept), arrays
/// are lists, everything else is a scalar written with `String(describing:)`.
func config(_ value: Any, path: String = "model") -> ConfigNode {
    switch value {
    case let pairs as KeyValuePairs<String, Any>:
        return ConfigNode(value: .mapping(pairs.map { (key: $0.key, value: config($0.value, path: path + "." + $0.key)) }),
                          location: .unknown, path: path)
    case let items as [Any]:
        return ConfigNode(value: .sequence(items.enumerated().map { config($0.element, path: "\(path)[\($0.offset)]") }),
                          location: .unknown, path: path)
    default:
        return .scalar(String(describing: value), path: path)
    }
}
