import LatSimCore
import LatSimMarkets

/// The wiring rules of market makers, checked when decoding: a maker's `out` connections go to
/// venues with `book:` (at least one, each venue once); with `market_data: push` each of them
/// also feeds the maker (a connection from the venue's `out` to the maker's `in`).
extension GraphSpec {
    func checkMarketMakers() throws {
        try checkQuotingMakers()
        for (k, maker) in components.enumerated() where maker.type == .marketMaker {
            guard case .marketMaker(let p) = maker.parameters, p.quoting == nil else { continue }
            let orders = connections.filter { $0.from == k }
            if orders.isEmpty {
                throw ConfigError(location: maker.location, path: "model.components",
                                  problem: "market maker \(maker.name) has no out connection",
                                  allowed: "one connection from \(maker.name).out to each venue with book: it quotes", given: "none")
            }
            for connection in orders {
                let venue = components[connection.to]
                guard case .venue(let v) = venue.parameters, v.book != nil else {
                    throw ConfigError(location: connection.location, path: "model.connections",
                                      problem: "connects market maker \(maker.name) to \(venue.name), a \(venue.type.rawValue)\(venue.type == .venue ? " without book:" : "")",
                                      allowed: "a market maker's out goes to venues with book:, one connection per venue",
                                      given: "\(maker.name).out -> \(venue.name).in")
                }
                if orders.filter({ $0.to == connection.to }).count > 1 {
                    throw ConfigError(location: connection.location, path: "model.connections",
                                      problem: "connects market maker \(maker.name) to venue \(venue.name) more than once",
                                      allowed: "one connection per venue", given: "\(orders.filter { $0.to == connection.to }.count) connections")
                }
                if p.marketData == .push && !connections.contains(where: { $0.from == connection.to && $0.to == k }) {
                    throw ConfigError(location: maker.location, path: "model.components",
                                      problem: "market maker \(maker.name) has market_data: push but venue \(venue.name) does not feed it",
                                      allowed: "a connection from \(venue.name).out to \(maker.name).in, or market_data: pull",
                                      given: "no feed connection")
                }
            }
        }
    }
}

extension GraphModel {
    /// Each maker's view per out connection; each book venue's resting slots for its makers
    /// (two per maker connection: a bid and an ask).
    mutating func connectMarketMakers() {
        for instance in instanceInfo.indices where instanceInfo[instance].type == .marketMaker {
            let k = Int(instanceInfo[instance].local)
            makers[k].viewStart = makerViews.count
            if makers[k].parameters.quoting != nil {
                connectQuotingMaker(k, instance: instance)
                continue
            }
            for j in outStart[instance]..<outStart[instance + 1] {
                let c = outConnections[Int(j)], venueInstance = connectionTarget[Int(c)]
                let venue = Int(instanceInfo[Int(venueInstance)].local)
                let book = venues[venue].parameters.book!.book
                makerViews.append(MakerVenueView(venueInstance: venueInstance, venueLocal: Int32(venue), connection: c,
                                                 tickSize: book.tickSize, makerFeeFraction: book.makerFeeFraction))
            }
            makers[k].viewCount = makerViews.count - makers[k].viewStart
        }
        guard !makers.isEmpty else { return }
        for instance in instanceInfo.indices where instanceInfo[instance].type == .venue {
            let v = Int(instanceInfo[instance].local)
            let makerConnections = connectionTarget.indices.filter {
                connectionTarget[$0] == Int32(instance) && instanceInfo[Int(connectionSource[$0])].type == .marketMaker }.count
            guard makerConnections > 0, var parameters = venues[v].book?.parameters else { continue }
            parameters.restingCapacity = 2 * makerConnections
            venues[v].book = OrderBook(parameters: parameters)
            venues[v].makerOrders = ContiguousArray(repeating: -1, count: parameters.restingCapacity)
            venues[v].makerReported = ContiguousArray(repeating: 0, count: parameters.restingCapacity)
        }
    }
}
