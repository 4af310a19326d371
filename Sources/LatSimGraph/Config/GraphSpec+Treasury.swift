import LatSimCore

/// The wiring rules of an arbitrageur's treasury: one account per venue it trades (and none
/// for another), one `settle` connection to a settlement whose route confirms back, and a
/// `rebalance` connection exactly when the treasury has a `rebalance:` rule, its route
/// confirming back too (a bridge: settlement -> delay -> settlement -> an acknowledging sink).
extension GraphSpec {
    func checkTreasury(_ b: Int) throws {
        let bot = components[b]
        guard case .arbitrageur(let p) = bot.parameters else { return }
        let rebalances = connections.filter { $0.from == b && $0.fromPort == 2 }
        guard let treasury = p.treasury else {
            if let c = rebalances.first {
                throw ConfigError(location: c.location, path: "model.connections",
                                  problem: "connects \(bot.name).rebalance, but arbitrageur \(bot.name) has no treasury with a rebalance rule",
                                  allowed: "a rebalance connection only with treasury.rebalance", given: "\(bot.name).rebalance -> \(components[c.to].name).in")
            }
            return
        }
        let venues = connections.filter { $0.from == b && $0.fromPort == 0 }.map { components[$0.to].name }
        let named = treasury.accounts.map(\.venue)
        if let missing = venues.first(where: { !named.contains($0) }) {
            throw ConfigError(location: bot.location, path: "model.components.\(bot.name).treasury.accounts",
                              problem: "has no account for venue \(missing), which \(bot.name) trades",
                              allowed: "one account per venue of its out connections: \(venues.joined(separator: ", "))", given: named.joined(separator: ", "))
        }
        if let extra = named.first(where: { !venues.contains($0) }) {
            throw ConfigError(location: bot.location, path: "model.components.\(bot.name).treasury.accounts",
                              problem: "names venue \(extra), which \(bot.name) does not trade",
                              allowed: "the venues of its out connections: \(venues.joined(separator: ", "))", given: extra)
        }
        if Set(venues).count != venues.count {
            throw ConfigError(location: bot.location, path: "model.components.\(bot.name).treasury",
                              problem: "needs one out connection per venue (an account per venue)",
                              allowed: "each venue once among \(bot.name)'s out connections", given: venues.joined(separator: ", "))
        }
        let settles = connections.filter { $0.from == b && $0.fromPort == 1 }
        guard settles.count == 1, components[settles[0].to].type == .settlement, confirmsBack(settles[0].to) else {
            throw ConfigError(location: bot.location, path: "model.components.\(bot.name).treasury",
                              problem: "needs \(bot.name)'s settle port to reach a settlement whose route confirms back",
                              allowed: "one connection from \(bot.name).settle to a settlement component whose out is unconnected, or leads through settlements and delays to one whose out is unconnected or to a sink with acknowledge: true",
                              given: settles.isEmpty ? "no settle connection" : settles.map { components[$0.to].name }.joined(separator: ", "))
        }
        if treasury.rebalance != nil {
            guard rebalances.count == 1, components[rebalances[0].to].type == .settlement, confirmsBack(rebalances[0].to) else {
                throw ConfigError(location: bot.location, path: "model.components.\(bot.name).treasury.rebalance",
                                  problem: "needs \(bot.name)'s rebalance port to reach a settlement whose route confirms back (a bridge)",
                                  allowed: "one connection from \(bot.name).rebalance to a settlement, e.g. settlement -> delay -> settlement -> a sink with acknowledge: true",
                                  given: rebalances.isEmpty ? "no rebalance connection" : rebalances.map { components[$0.to].name }.joined(separator: ", "))
            }
        } else if let c = rebalances.first {
            throw ConfigError(location: c.location, path: "model.connections",
                              problem: "connects \(bot.name).rebalance, but \(bot.name)'s treasury has no rebalance rule",
                              allowed: "a rebalance connection only with treasury.rebalance", given: "\(bot.name).rebalance -> \(components[c.to].name).in")
        }
    }
}
