"""The errors the core raises for the person at the keyboard.

Every one derives from `UserError`, whose str() is the one plain Chinese sentence to show.
The command line prints it, the window puts it in a dialog; the core never knows which.
"""

from __future__ import annotations


class UserError(Exception):
    """Something the person must be told; str() is the whole sentence they see."""
