/// The one event type of a graph run: a message delivered over a connection (forward, or
/// back towards its origin), or a component's timer. 16 bytes, no payload boxes.
///
/// Components are addressed by integer ids, messages by their pool slot; dispatch is a
/// `switch` over the closed set of component types (`GraphModel.handle`).
public enum GraphEvent: Sendable {
    /// The message arrives at the target of connection `connection`, instance `at` (carried,
    /// so the handler loads no connection table: one cache miss fewer at a cold instance).
    case deliver(connection: Int32, message: Int32, at: Int32)
    /// The message, a reply, arrives back at the source of `connection`, instance `at`.
    case reply(connection: Int32, message: Int32, at: Int32)
    /// Component instance `component`'s timer `code` fires with `payload` (a message or slot).
    case timer(component: Int32, code: Int32, payload: Int32)
    /// Fault `index` starts (down) or ends (up).
    case fault(index: Int32, down: Bool)
    /// The end of the warm-up: statistics restart.
    case warmUpEnd
    /// The end of a time-series bucket (`series:`): one row per broker and station instance.
    case sample
}
