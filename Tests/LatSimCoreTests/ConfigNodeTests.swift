import Testing
@testable import LatSimCore

@Suite struct ConfigNodeTests {
    func node(_ entries: [(String, String)]) -> ConfigNode {
        .mapping(entries.map { ($0.0, ConfigNode.scalar($0.1)) }, path: "latency",
                 location: SourceLocation(file: "x.yaml", line: 4, column: 3))
    }

    @Test func distributionFromConfig() throws {
        let d = try node([("type", "lognormal"), ("median", "2ms"), ("sigma", "0.4"), ("shift", "1ms")]).distributionValue()
        #expect(abs(d.quantile(0.5) - 3_000_000) < 1e-3)
        let constant = try ConfigNode.scalar("250us", path: "hop").distributionValue()
        #expect(constant.mean == 250_000)
    }

    @Test func errorsNameKeyAllowedAndGiven() {
        func error(_ n: ConfigNode) -> ConfigError? {
            do { _ = try n.distributionValue(); return nil } catch let e as ConfigError { return e } catch { return nil }
        }
        let typo = error(node([("type", "lognormal"), ("medain", "2ms"), ("sigma", "0.4")]))
        #expect(typo?.path == "latency.medain")
        #expect(typo?.problem.contains("did you mean \"median\"") == true)
        let negative = error(node([("type", "lognormal"), ("median", "2ms"), ("sigma", "-0.4")]))
        #expect(negative?.path == "latency.sigma" && negative?.given == "-0.4")
        #expect(negative?.description.hasPrefix("x.yaml:4:3: latency.sigma must be positive") == true)
        let family = error(node([("type", "lognormale")]))
        #expect(family?.problem.contains("lognormal") == true)
        let negativeLatency = error(ConfigNode.scalar("-2ms", path: "hop"))
        #expect(negativeLatency?.problem == "must not be negative")
        let weights = error(.mapping([("type", .scalar("mixture")), ("components", ConfigNode(value: .sequence([
            node([("weight", "0.5"), ("type", "constant"), ("value", "1ms")]),
            node([("weight", "0.4"), ("type", "constant"), ("value", "2ms")]),
        ]), location: .unknown, path: ""))], path: "latency"))
        #expect(weights?.path == "latency.weights" && weights?.problem == "do not sum to one")
    }

    @Test func nearestMatchSuggestsTypos() {
        #expect(nearestMatch("replicatons", in: ["replications", "seed", "horizon"]) == "replications")
        #expect(nearestMatch("zzzzzz", in: ["seed"]) == nil)
    }

    @Test func aListWhereKeysAreExpectedIsAnError() throws {
        let list = ConfigNode(value: .sequence([.mapping([("fee_bps", .scalar("5"))])]), location: .unknown, path: "model.pool")
        do {
            try list.checkKeys(["base_reserve", "fee_bps"])
            Issue.record("a list in place of a mapping must be rejected")
        } catch let error as ConfigError {
            #expect(error.path == "model.pool" && error.problem.contains("is a list") && error.description.contains("base_reserve, fee_bps"), "\(error)")
        }
        // A mapping and a scalar (a section's shorthand) pass.
        try ConfigNode.mapping([("fee_bps", .scalar("5"))], path: "model.pool").checkKeys(["fee_bps"])
        try ConfigNode.scalar("ethereum").checkKeys(["preset"])
    }
}
