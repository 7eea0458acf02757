"""Instruction templates (stage 2), motion-to-text questions, duration and repetition phrases.

``{x}`` is the motion description in lower case without a final full stop, e.g. "wave the right hand".
The same :func:`duration_phrase` is used to build training prompts and at generation time.
"""
from __future__ import annotations

import random

__all__ = ["T2M_TEMPLATES", "M2T_QUESTIONS", "duration_phrase", "with_duration", "instruction", "normalise"]

T2M_TEMPLATES = (
    "{x}",
    "Show me how a person would {x}.",
    "Generate a motion: {x}.",
    "Please {x}.",
    "Can you {x}?",
    "Could you {x}, please?",
    "I want to see you {x}.",
    "Robot, {x}.",
    "Now {x}.",
    "Let's see you {x}.",
    "Perform this action: {x}.",
    "Make the humanoid {x}.",
    "Do the following: {x}.",
    "Animate a person who is going to {x}.",
    "Create a motion where someone will {x}.",
    "Your task: {x}.",
    "Move like this: {x}.",
    "Demonstrate how to {x}.",
    "Go ahead and {x}.",
    "Hey, {x}!",
    "Would you {x}?",
    "Give me a motion of a person that will {x}.",
    "Command: {x}",
    "Act it out: {x}.",
)

M2T_QUESTIONS = (
    "Describe this motion.",
    "What is the person doing?",
    "Caption the motion.",
    "What does this movement show?",
    "Explain the action in words.",
)


def normalise(text: str) -> str:
    """Lower-case description without surrounding spaces and final punctuation."""
    t = " ".join(str(text).split()).strip().rstrip(".!?")
    return t[:1].lower() + t[1:] if t else t


def duration_phrase(seconds: float) -> str:
    """"for 3 seconds" / "for 2.5 seconds": the one phrase that conditions the model on a duration."""
    s = round(float(seconds) * 2) / 2
    num = f"{s:g}"
    return f"for {num} second" + ("" if s == 1 else "s")


def with_duration(text: str, seconds: float | None) -> str:
    """Append the duration phrase to a command (no-op when ``seconds`` is None)."""
    if seconds is None:
        return text
    return f"{text.rstrip().rstrip('.!?')}, {duration_phrase(seconds)}"


def instruction(description: str, rng: random.Random, seconds: float | None = None,
                p_duration: float = 0.3) -> str:
    """A random stage-2 instruction for a motion description, sometimes with its duration."""
    x = normalise(description)
    text = rng.choice(T2M_TEMPLATES).format(x=x)
    if seconds is not None and rng.random() < p_duration:
        text = with_duration(text, seconds)
    return text
