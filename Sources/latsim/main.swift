import Foundation
import LatSimCLI

exit(LatSimCommand.runMain(Array(CommandLine.arguments.dropFirst())))
