"""A supervisor's review decision on an entry: approve or return, and when a comment is needed."""

from __future__ import annotations

from .flagging import FLAGS
from .text import join_words, text_problem

DECISIONS = ("approve", "return")
COMMENT_REQUIRED_TO_APPROVE = ("use_of_force", "arrest", "restraint", "discipline_enforcement")
MAX_COMMENT = 2000


def approval_needs_comment(flags) -> bool:
    """Whether approving an entry with these flags needs a supervisor's comment."""
    return any(flag in flags for flag in COMMENT_REQUIRED_TO_APPROVE)


def check_decision(decision: object, comment: object, flags) -> dict[str, list[str]]:
    """Errors in a supervisor's decision on an entry with these flags."""
    if decision not in DECISIONS:
        return {"decision": ["Choose to approve the entry or return it for correction."]}
    text = comment.strip() if isinstance(comment, str) else ""
    problem = text_problem(text, "Comment", multiline=True)
    if problem:
        return {"comment": [problem]}
    if len(text) > MAX_COMMENT:
        return {"comment": [f"Shorten the comment to {MAX_COMMENT} characters or fewer."]}
    if not text and decision == "return":
        return {"comment": ["Say what the officer should correct."]}
    if not text and approval_needs_comment(flags):
        needing = [flag for flag in COMMENT_REQUIRED_TO_APPROVE if flag in flags]
        words = join_words([FLAGS[flag][0].lower() for flag in needing])
        return {"comment": [f"Comment on the {words} before approving."]}
    return {}
