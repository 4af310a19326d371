import LatSimCLI

LatSimCommand.main()
