// LatSimExperiments: YAML config -> validated scenario -> replications and sweeps -> CSV.
@_exported import LatSimCore
