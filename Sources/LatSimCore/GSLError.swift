import CGSL

/// An error GSL reported (overflow, a failed inversion, ...), turned into a typed error.
///
///     let g = try GSLError.capture(parameter: "shape", given: "0.001") { gsl_sf_gamma(1 + 1 / 0.001) }
///     // throws ParameterError: "shape makes GSL fail: overflow (gamma.c:...)"
///
/// GSL's default error handler aborts the process. `GSLError.install()` replaces it with
/// latsim's own, which records the first error on the calling thread; `capture` clears the
/// record, runs its body and throws a `ParameterError` naming the parameter if GSL reported
/// anything. The CLI installs the handler at process start; every GSL entry point of this
/// module installs it too (once), so no GSL call can abort whoever the caller is.
public enum GSLError {
    /// Installs latsim's recording handler in place of GSL's aborting one (idempotent, thread-safe).
    public static func install() { _ = installed }

    static let installed: Void = { latsim_gsl_install_error_handler() }()

    /// Runs `body` (a GSL computation) and throws a `ParameterError` at `parameter` if GSL reported an error.
    public static func capture<T>(parameter: String, given: String? = nil, allowed: String? = nil, _ body: () -> T) throws -> T {
        install()
        _ = latsim_gsl_take_error()
        let value = body()
        let record = latsim_gsl_take_error()
        guard record.gsl_errno == 0 else {
            throw ParameterError(parameter: parameter, problem: "makes GSL fail: \(describe(record))", allowed: allowed, given: given)
        }
        return value
    }

    /// "overflow (gamma.c:1234: function value overflows)" for a record.
    static func describe(_ record: latsim_gsl_error_record) -> String {
        let kind = latsim_gsl_strerror(record.gsl_errno).map { String(cString: $0) } ?? "error \(record.gsl_errno)"
        var detail = ""
        if let reason = record.reason { detail = String(cString: reason) }
        if let file = record.file {
            let name = String(cString: file).split(separator: "/").last.map(String.init) ?? ""
            detail = "\(name):\(record.line)" + (detail.isEmpty ? "" : ": " + detail)
        }
        return detail.isEmpty ? kind : "\(kind) (\(detail))"
    }
}
