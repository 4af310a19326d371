import LatSimCore

/// A data file a config reads, as run.json records it and the config hash covers it.
///
///     {"path": "experiments/data/rtt-hist.csv", "bytes": 2048, "fnv1a64": "0x…"}
///
/// Every `file:` key anywhere in the resolved config (a latency's `file`, a replayed venue's
/// or chain's file, under any node, at every grid point, designs included, and a design
/// patch's dotted `....file:` key) names one: its path
/// resolves as the readers resolve it (relative to the directory of the config that wrote it,
/// a `--set` value to the config file's), and its bytes are hashed with 64-bit FNV-1a. So two
/// runs whose data files differ have different config hashes, and a shard merge refuses
/// shards run on different data.
public struct DataFileRecord: Codable, Sendable, Equatable {
    /// The resolved path (as the reader opened it).
    public var path: String
    public var bytes: Int
    /// FNV-1a 64 of the file's bytes, as 0x and 16 hex digits.
    public var fnv1a64: String

    public init(path: String, bytes: Int, fnv1a64: String) {
        self.path = path
        self.bytes = bytes
        self.fnv1a64 = fnv1a64
    }

    /// The config key that names data files.
    public static let key = "file"

    /// The data files named in `roots`, each once, sorted by path (byte order).
    static func collect(_ roots: [ConfigNode]) throws -> [DataFileRecord] {
        var nodes: [(path: String, node: ConfigNode)] = []
        func walk(_ node: ConfigNode) throws {
            switch node.value {
            case .mapping(let entries):
                for (key, value) in entries {
                    // `file:`, or a design patch's dotted `a.b.file:`.
                    if key == DataFileRecord.key || key.hasSuffix("." + DataFileRecord.key), case .scalar = value.value {
                        nodes.append((try value.dataFilePath(), value))
                    } else {
                        try walk(value)
                    }
                }
            case .sequence(let items):
                for item in items { try walk(item) }
            default:
                break
            }
        }
        for root in roots { try walk(root) }
        var records: [DataFileRecord] = []
        var seen = Set<String>()
        for (path, node) in nodes.sorted(by: { Array($0.path.utf8).lexicographicallyPrecedes(Array($1.path.utf8)) }) where seen.insert(path).inserted {
            let bytes = try node.wrap { try readFileBytes(path, limitBytes: DataTable.defaultLimitBytes) }
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            for byte in bytes {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01B3
            }
            records.append(DataFileRecord(path: path, bytes: bytes.count, fnv1a64: StreamKey(value: hash).description))
        }
        return records
    }
}
