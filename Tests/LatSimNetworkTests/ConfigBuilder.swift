@testable import LatSimNetwork

/// Config trees from Swift literals in tests (`ConfigNode.literal`).
func config(_ value: Any, path: String = "model") -> ConfigNode { .literal(value, path: path) }
