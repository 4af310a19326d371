import LatSimCore

/// The sweep-axis columns of every CSV table: each axis's label as written, then a typed
/// column beside it, so a data frame gets numbers without parsing labels.
///
///     sweep: {model.link.latency: [500us, 2ms], model.window: [1, 8]}
///     point,model.link.latency,model.link.latency_ns,model.window,model.window_value,design,...
///     0,500us,500000,1,1,sync,...
///
/// Per key path: `<key>` holds the value as written; `<key>_ns` follows when every value of
/// the key is a duration ("500us", "2ms": integer nanoseconds), `<key>_value` when every value
/// is a number ("1", "0.25": the number). A number key whose values are not all integers
/// writes its label and value in decimal form (`[0, 0.05]` -> "0.0", "0.05"): a CSV reader that
/// infers a column's type from its first rows (polars reads 100) would otherwise take "0" for an
/// integer column and fail on "0.05". Other keys (names such as "ethereum", booleans,
/// distributions given as mappings) have the label column only. A named axis
/// (`sweep: {weights: {key.a: [...], key.b: [...]}}`) adds its label column `<name>` (its
/// `labels:`, or the values joined by "/") before the columns of its keys.
public enum AxisColumns {
    /// The type of a key's typed column.
    enum Typed { case nanoseconds, number, none }

    static func typed(_ values: [ConfigNode]) -> Typed {
        let texts = values.map { node -> String? in if case .scalar(let s) = node.value { return s } else { return nil } }
        if texts.allSatisfy({ $0.map(number) ?? nil != nil }) { return .number }
        if texts.allSatisfy({ $0.map(nanoseconds) ?? nil != nil }) { return .nanoseconds }
        return .none
    }

    /// Whether every value is written as an integer ("1", "400"): then labels stay as written.
    static func integers(_ values: [ConfigNode]) -> Bool {
        values.allSatisfy { node in if case .scalar(let s) = node.value { return Int64(s.trimmingWhitespace()) != nil } else { return false } }
    }

    /// A plain number as text ("400", "0.25", "1e3"), or nil.
    static func number(_ text: String) -> String? {
        let trimmed = text.trimmingWhitespace()
        if let integer = Int64(trimmed) { return String(integer) }
        guard let value = Double(trimmed), value.isFinite, trimmed.first.map({ $0.isNumber || $0 == "-" || $0 == "+" || $0 == "." }) == true
        else { return nil }
        return CSVTables.number(value)
    }

    /// A duration with a unit ("500us") in integer nanoseconds, as text, or nil.
    static func nanoseconds(_ text: String) -> String? {
        guard text.contains(where: \.isLetter), let duration = try? SimDuration(parsing: text) else { return nil }
        return String(duration.nanoseconds)
    }

    /// The axis columns' header, in axis order.
    public static func header(_ plan: ExperimentPlan) -> [String] {
        var columns: [String] = []
        for axis in plan.axes {
            if axis.isNamed { columns.append(axis.name) }
            for (keyPath, values) in zip(axis.keyPaths, axis.values) {
                columns.append(keyPath)
                switch typed(values) {
                case .nanoseconds: columns.append(keyPath + "_ns")
                case .number: columns.append(keyPath + "_value")
                case .none: break
                }
            }
        }
        return columns
    }

    /// The axis columns of one point, in the order of `header`.
    public static func values(_ plan: ExperimentPlan, point index: Int) -> [String] {
        let point = plan.points[index]
        var fields: [String] = []
        var assignment = 0
        for (axisIndex, axis) in plan.axes.enumerated() {
            if axis.isNamed { fields.append(axisIndex < point.labels.count ? point.labels[axisIndex] : "") }
            for values in axis.values {
                let text = point.assignments[assignment].value
                assignment += 1
                switch typed(values) {
                case .nanoseconds: fields += [text, nanoseconds(text) ?? ""]
                case .number where !integers(values):
                    let decimal = Double(text.trimmingWhitespace()).map(CSVTables.number) ?? text
                    fields += [decimal, decimal]
                case .number: fields += [text, number(text) ?? ""]
                case .none: fields.append(text)
                }
            }
        }
        return fields
    }
}
