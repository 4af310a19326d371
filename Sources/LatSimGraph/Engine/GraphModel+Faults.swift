import LatSimCore
import LatSimNetwork

/// Outages of components and cuts of connections, by name (`model.faults`).
///
/// A component outage takes every instance of the component down: messages arriving meanwhile
/// are lost (counted `lost_down` at the component and `outage` on the link); what a type loses
/// or keeps is its own (a station loses its queue and the jobs in service, a broker keeps its
/// log, a source stops creating). A cut connection drops what is sent over it in either
/// direction, or holds it at the sender until the cut ends (`fault_policy: buffered`).
/// Several targets in one fault cut or stop them together: a partition.
extension GraphModel {
    /// Fault ids: component group g is g; spec connection j is G + j; component instance i is
    /// G + J + i; instance connection c is G + J + I + c (G groups, J spec connections, I instances).
    func faultID(connection j: Int) -> Int32 { Int32(spec.components.count + j) }
    func faultID(instance i: Int) -> Int32 { Int32(spec.components.count + spec.connections.count + i) }
    func faultID(instanceConnection c: Int) -> Int32 { Int32(spec.components.count + spec.connections.count + instanceInfo.count + c) }

    /// Draws every fault's outages up to `end` and returns the events to schedule.
    mutating func planFaults(until end: SimInstant, replication: ReplicationSpec) -> [(GraphEvent, SimInstant)] {
        var seen: [String: Int] = [:]
        for fault in spec.faults {
            // One draw per fault: its targets go down together. The stream is keyed by the targets'
            // names (and the occurrence among faults of the same targets), so adding a fault
            // elsewhere changes no other fault's outages.
            var key = "faults." + fault.targetNames.joined(separator: "+")
            let occurrence = seen[key, default: 0]
            seen[key] = occurrence + 1
            if occurrence > 0 { key += "#\(occurrence)" }
            let stream = replication.stream(key)
            var schedule = FaultSchedule()
            fault.outage.apply(to: &schedule, component: 0, until: end, stream: stream)
            var ids: [Int32] = fault.components.map { Int32($0) } + fault.connections.map { faultID(connection: $0) }
            ids += fault.componentInstances.map { faultID(instance: Int(groupFirstInstance[$0.index]) + $0.ordinal) }
            ids += fault.connectionInstances.map { target in
                let first = connectionSpec.firstIndex(of: Int32(target.index))!
                return faultID(instanceConnection: first + target.ordinal)
            }
            for outage in schedule.outages {
                for id in ids { faults.add(.init(component: id, start: outage.start, end: outage.end)) }
            }
        }
        var events: [(GraphEvent, SimInstant)] = []
        for (index, outage) in faults.outages.enumerated() {
            events.append((.fault(index: Int32(index), down: true), outage.start))
            events.append((.fault(index: Int32(index), down: false), outage.end))
        }
        return events
    }

    mutating func applyFault(_ index: Int, down: Bool, context: inout SimulationContext<GraphEvent>) {
        let id = Int(faults.outages[index].component)
        let now = context.now
        if !down && faults.isDown(Int32(id), at: now) { return }   // another outage continues
        let groups = spec.components.count, specConnections = spec.connections.count, instanceCount = instanceInfo.count
        if id < groups {
            for instance in instances(of: id) { setInstance(instance, down: down, context: &context) }
            groupStats[id].downSince(down ? now : nil, at: now)
        } else if id < groups + specConnections {
            let j = id - groups
            guard connectionCut[j] != down else { return }
            connectionCut[j] = down
            for c in connectionSpec.indices where connectionSpec[c] == Int32(j) { refreshLink(c) }
        } else if id < groups + specConnections + instanceCount {
            setInstance(Int32(id - groups - specConnections), down: down, context: &context)
        } else {
            let c = id - groups - specConnections - instanceCount
            guard instanceCut[c] != down else { return }
            instanceCut[c] = down
            refreshLink(c)
        }
    }

    /// Takes one instance down or up; what it loses or resumes is its type's.
    mutating func setInstance(_ instance: Int32, down: Bool, context: inout SimulationContext<GraphEvent>) {
        guard instanceInfo[Int(instance)].down != down else { return }
        instanceInfo[Int(instance)].down = down
        let now = context.now
        let local = Int(instanceInfo[Int(instance)].local)
        switch instanceInfo[Int(instance)].type {
        case .station: if down { stationCrash(local, instance: instance, now: now) }
        case .source: if !down { sourceResume(local, instance: instance, context: &context) }
        case .broker: if !down { brokerResume(local, instance: instance, context: &context) }
        case .client: if down { clientCrash(local, instance: instance, now: now) } else { clientResume(local, instance: instance, context: &context) }
        default: break
        }
        if hasRebalancePause { brokerMembershipChanged(instance, context: &context) }
        if hasRecovery && !down { brokerConsumerRestarted(instance, context: &context) }
    }

    /// An instance connection is up when neither it nor its spec connection is cut.
    mutating func refreshLink(_ c: Int) {
        let up = !connectionCut[Int(connectionSpec[c])] && !instanceCut[c]
        links[c * 2].isUp = up
        links[c * 2 + 1].isUp = up
    }

    /// When connection `c` can carry messages again (every cut of it over); `.distantFuture` if it is not cut.
    func linkUpTime(_ c: Int32, after time: SimInstant) -> SimInstant {
        let specID = faultID(connection: Int(connectionSpec[Int(c)])), instanceID = faultID(instanceConnection: Int(c))
        var t = time
        while true {
            let next = faults.upTime(instanceID, after: faults.upTime(specID, after: t))
            if next == t { break }
            t = next
        }
        return t == time ? .distantFuture : t
    }
}
