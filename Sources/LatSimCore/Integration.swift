import CGSL

/// Numerical integration by GSL's adaptive quadrature (QAGS on finite intervals, QAGIU on [a, inf)).
///
///     let area = Integration.integrate(from: 0, to: 1) { x in x * x }   // 1/3
///
/// Used for moments without a closed form and as the independent reference in tests
/// (e.g. P(A beats B) = integral of f_A(t) (1 - F_B(t)) dt).
public enum Integration {
    private final class Box {
        let function: (Double) -> Double
        init(_ function: @escaping (Double) -> Double) { self.function = function }
    }

    /// The integral of `function` over [lower, upper] (upper may be +infinity), to a relative
    /// error of about `relativeError`; nil if GSL reports that it could not reach it.
    public static func integrate(from lower: Double, to upper: Double, relativeError: Double = 1e-10,
                                 _ function: @escaping (Double) -> Double) -> Double? {
        GSLError.install()
        let box = Box(function)
        let workspaceSize = 2000
        guard let workspace = gsl_integration_workspace_alloc(workspaceSize) else { return nil }
        defer { gsl_integration_workspace_free(workspace) }
        var result = 0.0
        var errorEstimate = 0.0
        let status: Int32 = withExtendedLifetime(box) {
            var gslFunction = gsl_function(
                function: { x, params in
                    Unmanaged<Box>.fromOpaque(params!).takeUnretainedValue().function(x)
                },
                params: Unmanaged.passUnretained(box).toOpaque())
            if upper == .infinity {
                return gsl_integration_qagiu(&gslFunction, lower, 0, relativeError, workspaceSize, workspace, &result, &errorEstimate)
            }
            return gsl_integration_qags(&gslFunction, lower, upper, 0, relativeError, workspaceSize, workspace, &result, &errorEstimate)
        }
        return status == GSL_SUCCESS ? result : nil
    }
}
