"""The exceptions of the latsim package."""
import re

# latsim's config errors: "error: FILE:LINE:COLUMN: KEY PROBLEM; allowed: ...; given: ..."
_LOCATED = re.compile(r"^(?:error: )?(?P<file>.+?):(?P<line>\d+):(?P<column>\d+): (?P<key>\S+) (?P<rest>.*)$", re.S)
# ... or, for a command-line option: "error: --set x=1: KEY PROBLEM..."
_OPTION = re.compile(r"^(?:error: )?(?P<file>--\S+(?: \S+)?): (?P<key>\S+) (?P<rest>.*)$", re.S)


class LatSimError(RuntimeError):
    """latsim failed at run time (exit code 1)."""


class ConfigError(ValueError):
    """A config or argument that latsim refuses (exit code 2).

    Attributes: file, line, column (None when the error is not in a file), key (the key path),
    problem, allowed, given (None when latsim did not say), message (latsim's whole text).
    """

    def __init__(self, message, *, file=None, line=None, column=None, key=None, problem=None, allowed=None, given=None):
        super().__init__(message)
        self.message = message
        self.file, self.line, self.column, self.key = file, line, column, key
        self.problem, self.allowed, self.given = problem, allowed, given

    @classmethod
    def from_message(cls, message):
        first = message.strip().splitlines()[0] if message.strip() else message
        for pattern in (_LOCATED, _OPTION):
            match = pattern.match(first)
            if match:
                fields = match.groupdict()
                rest = fields.pop("rest")
                problem, allowed, given = rest, None, None
                if "; given: " in problem:
                    problem, given = problem.rsplit("; given: ", 1)
                if "; allowed: " in problem:
                    problem, allowed = problem.split("; allowed: ", 1)
                line = int(fields["line"]) if fields.get("line") else None
                column = int(fields["column"]) if fields.get("column") else None
                return cls(message.strip(), file=fields["file"], line=line, column=column, key=fields["key"],
                           problem=problem, allowed=allowed, given=given)
        return cls(message.strip())
