"""The `latsim` console script: runs the bundled binary with the same arguments."""
import os
import sys

from ._binary import binary_path


def main():
    binary = str(binary_path())
    os.execv(binary, [binary, *sys.argv[1:]])
