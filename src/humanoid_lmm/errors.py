"""One exception hierarchy for the whole library; nodes catch these and fall back to a safe hold."""


class HumanoidLMMError(Exception):
    """Base of every error raised on purpose by humanoid_lmm."""


class ConfigError(HumanoidLMMError, ValueError):
    """A configuration file or value is invalid; the message names the field and the valid choices."""


class MotionError(HumanoidLMMError, ValueError):
    """A motion is malformed (wrong shape, non-finite values, bad fps)."""


class GenerationError(HumanoidLMMError):
    """The motion model could not produce a valid motion within its retry budget."""


class RetargetError(HumanoidLMMError):
    """Retargeting failed (unreachable targets, solver failure)."""


class ValidationFailed(HumanoidLMMError):
    """A trajectory failed simulation checks and may not be streamed."""


class SafetyError(HumanoidLMMError):
    """The safety layer refused a command (e-stop latched, watchdog, another publisher...)."""


class CommandRejected(HumanoidLMMError, ValueError):
    """A user command was refused; `reason` is a short code: empty, too_long, not_english, out_of_scope,
    unsafe, too_many_actions, duration_too_long. `suggestions`: the closest commands the robot can do;
    `kind`: what kind of thing was asked for (e.g. "object", "acrobatics"; "" when unknown)."""

    def __init__(self, message: str, reason: str = "invalid", suggestions: tuple[str, ...] = (), kind: str = ""):
        super().__init__(message)
        self.reason = reason
        self.suggestions = tuple(suggestions)
        self.kind = kind


class MotionMismatch(GenerationError):
    """Generated motions did not show what the command asked for (checked by captioning them), within
    the retry budget; nothing is sent. `reason` = "motion_mismatch"; `captions`: what each attempt showed."""

    def __init__(self, message: str, captions: tuple[str, ...] = ()):
        super().__init__(message)
        self.reason = "motion_mismatch"
        self.captions = tuple(captions)
