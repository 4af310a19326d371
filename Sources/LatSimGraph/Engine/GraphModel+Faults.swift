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
    /// Fault id of component group g is g; of spec connection j, components.count + j.
    func faultID(connection j: Int) -> Int32 { Int32(spec.components.count + j) }

    /// Draws every fault's outages up to `end` and returns the events to schedule.
    mutating func planFaults(until end: SimInstant, replication: ReplicationSpec) -> [(GraphEvent, SimInstant)] {
        var seen: [String: Int] = [:]
        for fault in spec.faults {
            // One draw per fault: its targets go down together. The stream is keyed by the targets'
            // names (and the occurrence among faults of the same targets), so adding a fault
            // elsewhere changes no other fault's outages.
            let targets = (fault.components.map { spec.components[$0].name } + fault.connections.map { spec.connections[$0].name }).sorted()
            var key = "faults." + targets.joined(separator: "+")
            let occurrence = seen[key, default: 0]
            seen[key] = occurrence + 1
            if occurrence > 0 { key += "#\(occurrence)" }
            let stream = replication.stream(key)
            var schedule = FaultSchedule()
            fault.outage.apply(to: &schedule, component: 0, until: end, stream: stream)
            for outage in schedule.outages {
                for g in fault.components {
                    faults.add(.init(component: Int32(g), start: outage.start, end: outage.end))
                }
                for j in fault.connections {
                    faults.add(.init(component: faultID(connection: j), start: outage.start, end: outage.end))
                }
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
        if id < spec.components.count {
            for instance in instances(of: id) {
                guard instanceDown[Int(instance)] != down else { continue }
                instanceDown[Int(instance)] = down
                let local = Int(instanceLocal[Int(instance)])
                switch instanceType[Int(instance)] {
                case .station: down ? stationCrash(local, instance: instance, now: now) : ()
                case .source: if !down { sourceResume(local, instance: instance, context: &context) }
                case .broker: if !down { brokerResume(local, instance: instance, context: &context) }
                case .client: if down { clientCrash(local, instance: instance, now: now) } else { clientResume(local, instance: instance, context: &context) }
                default: break
                }
            }
            groupStats[id].downSince(down ? now : nil, at: now, measuring: measuring, measureStart: measureStart)
        } else {
            let j = id - spec.components.count
            guard connectionCut[j] != down else { return }
            connectionCut[j] = down
            for c in connectionSpec.indices where connectionSpec[c] == Int32(j) {
                links[c * 2].isUp = !down
                links[c * 2 + 1].isUp = !down
            }
        }
    }

    /// When connection `c` can carry messages again (its cut over); `.distantFuture` if never.
    func linkUpTime(_ c: Int32, after time: SimInstant) -> SimInstant {
        let id = faultID(connection: Int(connectionSpec[Int(c)]))
        let t = faults.upTime(id, after: time)
        return t == time ? .distantFuture : t
    }
}
