// Placeholder until this layer lands.
@_exported import LatSimCore
