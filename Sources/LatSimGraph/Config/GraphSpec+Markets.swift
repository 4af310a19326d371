import LatSimCore
import LatSimMarkets

/// The wiring rules of the market components, checked when decoding (each error names the
/// connection's file and line): a price source feeds venues directly; a venue follows exactly
/// one price source; an arbitrageur's `out` connections go to venues (at least two), all
/// following one price source, with at most 63 arbitrageur instances per price source.
extension GraphSpec {
    func checkMarkets() throws {
        func type(_ index: Int) -> ComponentType { components[index].type }
        for connection in connections {
            let from = components[connection.from], to = components[connection.to]
            if from.type == .priceSource && !(to.type == .venue || to.type == .taker || isQuotingMaker(connection.to)) {
                throw ConfigError(location: connection.location, path: "model.connections",
                                  problem: "connects price source \(from.name) to \(to.name), a \(to.type.rawValue)",
                                  allowed: "a price source's out goes to venues, informed takers and market makers with quote: fundamental",
                                  given: "\(from.name).out -> \(to.name).in")
            }
            if from.type == .arbitrageur && connection.fromPort == 0 && to.type != .venue {
                throw ConfigError(location: connection.location, path: "model.connections",
                                  problem: "connects arbitrageur \(from.name) to \(to.name), a \(to.type.rawValue)",
                                  allowed: "an arbitrageur's out goes to venues, one connection per venue", given: "\(from.name).out -> \(to.name).in")
            }
        }
        try checkDEX()
        for (s, source) in components.enumerated() {
            guard case .priceSource(let p) = source.parameters, let replay = p.replay else { continue }
            if let other = connections.first(where: { $0.from == s && components[$0.to].type != .venue }) {
                throw ConfigError(location: other.location, path: "model.connections",
                                  problem: "connects price source \(source.name), which replays files, to \(components[other.to].name), a \(components[other.to].type.rawValue)",
                                  allowed: "a replaying price source's out goes to venues only", given: "\(source.name).out -> \(components[other.to].name).in")
            }
            let fed = connections.filter { $0.from == s }.map { components[$0.to].name }
            let listed = replay.tracks.map(\.venue)
            if let missing = fed.first(where: { !listed.contains($0) }) {
                throw ConfigError(location: source.location, path: "model.components",
                                  problem: "price source \(source.name) replays files but has none for venue \(missing), which it feeds",
                                  allowed: "one replay.venues entry per venue it feeds: \(fed.joined(separator: ", "))", given: listed.joined(separator: ", "))
            }
            if let extra = listed.first(where: { !fed.contains($0) }) {
                throw ConfigError(location: source.location, path: "model.components",
                                  problem: "price source \(source.name) has a replay file for \(extra), which is not a venue it feeds",
                                  allowed: fed.isEmpty ? "connections from \(source.name).out to venues" : fed.joined(separator: ", "), given: extra)
            }
        }
        var sourceOf: [Int: Int] = [:]
        for (v, venue) in components.enumerated() where venue.type == .venue {
            let feeds = connections.filter { $0.to == v && type($0.from) == .priceSource }
            guard feeds.count == 1, components[feeds[0].from].count == 1 else {
                throw ConfigError(location: venue.location, path: "model.components",
                                  problem: "venue \(venue.name) follows \(feeds.count) price source connections",
                                  allowed: "exactly one connection from a price source with count 1 (its latency is the venue's lag)",
                                  given: feeds.map { components[$0.from].name }.joined(separator: ", ").isEmpty ? "none"
                                      : feeds.map { components[$0.from].name }.joined(separator: ", "))
            }
            sourceOf[v] = feeds[0].from
        }
        var botsPerSource: [Int: Int] = [:]
        for (b, bot) in components.enumerated() where bot.type == .arbitrageur {
            let orders = connections.filter { $0.from == b && $0.fromPort == 0 }
            let sources = Set(orders.compactMap { sourceOf[$0.to] })
            guard orders.count >= 2, sources.count == 1, let source = sources.first else {
                throw ConfigError(location: bot.location, path: "model.components",
                                  problem: "arbitrageur \(bot.name) trades \(orders.count) venue connection(s) following \(sources.count) price source(s)",
                                  allowed: "at least two venue connections, all venues following one price source",
                                  given: orders.map { components[$0.to].name }.joined(separator: ", "))
            }
            if bot.count > 1, orders.contains(where: { components[$0.to].count > 1 }) {
                throw ConfigError(location: bot.location, path: "model.components",
                                  problem: "arbitrageur \(bot.name) has \(bot.count) instances and trades a venue with several instances",
                                  allowed: "one side of each order connection with a single instance", given: "count \(bot.count)")
            }
            try checkTreasury(b)
            if case .arbitrageur(let p) = bot.parameters, p.capitalTrades != nil {
                let settles = connections.filter { $0.from == b && $0.fromPort == 1 }
                guard settles.count == 1, components[settles[0].to].type == .settlement, confirmsBack(settles[0].to) else {
                    throw ConfigError(location: bot.location, path: "model.components",
                                      problem: "arbitrageur \(bot.name) has capital_trades but its settle port does not reach a settlement whose route confirms back",
                                      allowed: "one connection from \(bot.name).settle to a settlement component whose out is unconnected, or leads through settlements and delays to one whose out is unconnected or to a sink with acknowledge: true",
                                      given: settles.isEmpty ? "no settle connection" : settles.map { components[$0.to].name }.joined(separator: ", "))
                }
            }
            botsPerSource[source, default: 0] += bot.count
            if botsPerSource[source]! > 63 {
                throw ConfigError(location: bot.location, path: "model.components",
                                  problem: "makes \(botsPerSource[source]!) arbitrageur instances on price source \(components[source].name)",
                                  allowed: "at most 63 per price source", given: "\(botsPerSource[source]!)")
            }
        }
    }
}

extension GraphSpec {
    /// The CEX-DEX wiring: a pool's `reference` is a venue with one instance; only a settlement
    /// with a pool has `blocks` connections; a dex-arbitrageur's `out` goes to exactly one
    /// settlement with a pool and at most one venue (required with `market_data: pull`).
    func checkDEX() throws {
        for component in components {
            guard case .settlement(let p) = component.parameters, let pool = p.pool, let reference = pool.reference else { continue }
            guard let r = componentIndex(reference), components[r].type == .venue, components[r].count == 1 else {
                throw ConfigError(location: component.location, path: "model.components.\(component.name).pool.reference",
                                  problem: "names \"\(reference)\", which is not a venue component with count 1",
                                  allowed: components.filter { $0.type == .venue && $0.count == 1 }.map(\.name).joined(separator: ", ").isEmpty
                                      ? "the name of a venue (none in this graph)"
                                      : components.filter { $0.type == .venue && $0.count == 1 }.map(\.name).joined(separator: ", "),
                                  given: reference)
            }
        }
        func hasPool(_ index: Int) -> Bool {
            if case .settlement(let p) = components[index].parameters { return p.pool != nil }
            return false
        }
        for connection in connections {
            let from = components[connection.from], to = components[connection.to]
            if from.type == .settlement && connection.fromPort == 1 && !hasPool(connection.from) {
                throw ConfigError(location: connection.location, path: "model.connections",
                                  problem: "leaves \(from.name).blocks, but \(from.name) has no pool",
                                  allowed: "blocks connections from a settlement with `pool:`", given: "\(from.name).blocks -> \(to.name).in")
            }
            if from.type == .dexArbitrageur && !(to.type == .venue || (to.type == .settlement && hasPool(connection.to))) {
                throw ConfigError(location: connection.location, path: "model.connections",
                                  problem: "connects dex-arbitrageur \(from.name) to \(to.name), a \(to.type.rawValue)\(to.type == .settlement ? " without a pool" : "")",
                                  allowed: "a dex-arbitrageur's out goes to one settlement with `pool:` and at most one venue",
                                  given: "\(from.name).out -> \(to.name).in")
            }
        }
        for (b, bot) in components.enumerated() {
            guard case .dexArbitrageur(let p) = bot.parameters else { continue }
            let outs = connections.filter { $0.from == b }
            let pools = outs.filter { components[$0.to].type == .settlement }, venues = outs.filter { components[$0.to].type == .venue }
            guard pools.count == 1, venues.count <= 1 else {
                throw ConfigError(location: bot.location, path: "model.components",
                                  problem: "dex-arbitrageur \(bot.name) sends to \(pools.count) pool settlement(s) and \(venues.count) venue(s)",
                                  allowed: "exactly one connection to a settlement with `pool:`, at most one to a venue",
                                  given: outs.map { components[$0.to].name }.joined(separator: ", ").isEmpty ? "none"
                                      : outs.map { components[$0.to].name }.joined(separator: ", "))
            }
            if p.marketData == .pull && venues.isEmpty {
                throw ConfigError(location: bot.location, path: "model.components.\(bot.name).market_data",
                                  problem: "pulls, but dex-arbitrageur \(bot.name) has no connection to a venue",
                                  allowed: "a connection from \(bot.name).out to the venue it pulls, or market_data: push", given: "pull")
            }
            if p.design != nil && venues.isEmpty {
                throw ConfigError(location: bot.location, path: "model.components.\(bot.name).design",
                                  problem: "hedges on a venue, but dex-arbitrageur \(bot.name) has no connection to a venue",
                                  allowed: "a connection from \(bot.name).out to the venue it hedges on (and pulls), or no design", given: "none")
            }
            if p.design?.marketData == .pull { continue }
            if p.strategy == .mempool || p.marketData == .push {
                let feeds = connections.filter { $0.to == b && components[$0.from].type == .venue }
                guard !feeds.isEmpty else {
                    throw ConfigError(location: bot.location, path: "model.components",
                                      problem: "dex-arbitrageur \(bot.name) uses pushed market data but no venue feeds it",
                                      allowed: "a connection from a venue's out to \(bot.name).in, or (a searcher) market_data: pull", given: "none")
                }
            }
        }
    }

    /// Whether a message that wants a reply and reaches component `index` gets one back along its
    /// route: a settlement or station whose `out` is unconnected answers; a delay, settlement or
    /// station with one onward connection defers to it; a sink answers with `acknowledge: true`.
    func confirmsBack(_ index: Int, depth: Int = 0) -> Bool {
        let onward = connections.filter { $0.from == index }
        switch components[index].parameters {
        case .sink(let p): return p.acknowledge
        case .settlement, .station:
            if onward.isEmpty { return true }
            return onward.count == 1 && depth < 64 && confirmsBack(onward[0].to, depth: depth + 1)
        case .delay: return onward.count == 1 && depth < 64 && confirmsBack(onward[0].to, depth: depth + 1)
        default: return false
        }
    }
}

extension GraphModel {
    /// Resolves the market wiring at instance level: each venue's price source, each price
    /// source's venues and arbitrageurs, each arbitrageur's venues (its out connections, in order).
    mutating func connectMarkets() {
        market.books = ContiguousArray(repeating: TopOfBook(), count: venues.count)
        market.fees = ContiguousArray(venues.map { $0.parameters.exchange.takerFeeFraction })
        for instance in instanceInfo.indices where instanceInfo[instance].type == .priceSource {
            let s = Int(instanceInfo[instance].local)
            priceSources[s].venueStart = market.sourceVenues.count
            for k in outStart[instance]..<outStart[instance + 1] {
                let target = Int(connectionTarget[Int(outConnections[Int(k)])])
                // Market makers quoting around the price and informed takers get prices too; they are not venues.
                guard instanceInfo[target].type == .venue else { continue }
                let venue = Int(instanceInfo[target].local)
                venues[venue].source = s
                market.sourceVenues.append(Int32(venue))
            }
            priceSources[s].venueCount = market.sourceVenues.count - priceSources[s].venueStart
        }
        for instance in instanceInfo.indices where instanceInfo[instance].type == .venue {
            for k in outStart[instance]..<outStart[instance + 1] {
                let c = outConnections[Int(k)], target = Int(connectionTarget[Int(c)])
                if instanceInfo[target].type == .arbitrageur && arbitrageurs[Int(instanceInfo[target].local)].parameters.design.marketData == .pull { continue }
                if instanceInfo[target].type == .marketMaker && makers[Int(instanceInfo[target].local)].parameters.marketData == .pull { continue }
                if instanceInfo[target].type == .dexArbitrageur && dexArbitrageurs[Int(instanceInfo[target].local)].parameters.design?.marketData == .pull { continue }
                venues[Int(instanceInfo[instance].local)].feed.append(c)
            }
        }
        for instance in instanceInfo.indices where instanceInfo[instance].type == .arbitrageur {
            let b = Int(instanceInfo[instance].local)
            arbitrageurs[b].viewStart = market.views.count
            for k in outStart[instance]..<outStart[instance + 1] {
                let venueInstance = connectionTarget[Int(outConnections[Int(k)])]
                let venue = Int(instanceInfo[Int(venueInstance)].local)
                market.views.append(TopOfBook())
                market.viewInstance.append(venueInstance)
                market.viewVenue.append(Int32(venue))
                arbitrageurs[b].source = venues[venue].source
            }
            arbitrageurs[b].venueCount = market.views.count - arbitrageurs[b].viewStart
            setUpTreasury(b)
            let capacity = arbitrageurs[b].parameters.design.capacity
            arbitrageurs[b].attemptStart = market.attempts.count
            arbitrageurs[b].freeCount = capacity
            market.attemptFree.append(contentsOf: (0..<capacity).reversed().map { Int32(market.attempts.count + $0) })
            market.attempts.append(contentsOf: repeatElement(ArbitrageAttemptSlot(), count: capacity))
            let s = arbitrageurs[b].source
            if s >= 0 {
                arbitrageurs[b].bit = priceSources[s].arbitrageurCount
                priceSources[s].arbitrageurCount += 1
            }
        }
        connectMarketMakers()
        connectTakers()
    }
}
