import Foundation
import LatSimCLI

LatSimCommand.installProcessHandlers()
exit(LatSimCommand.runMain(Array(CommandLine.arguments.dropFirst())))
