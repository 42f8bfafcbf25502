"""Who may write a file, and what to tell someone who may not.

A store a team shares through a group is written by several people in turn, so a message that
only helps the file's owner ("chmod u+w") is wrong advice for everyone else: these name the
owner, group and mode, and the fix that would help the person reading the message. Also the
test of a shared sticky folder (/tmp) that output paths are held to.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from timeline.text import printable


def user_name(uid: int) -> str:
    """A user's login name, else 'uid N'."""
    import pwd

    try:
        return printable(pwd.getpwuid(uid).pw_name)
    except (KeyError, OverflowError):
        return f"uid {uid}"


def group_name(gid: int) -> str:
    """A group's name, else 'gid N'."""
    import grp

    try:
        return printable(grp.getgrgid(gid).gr_name)
    except (KeyError, OverflowError):
        return f"gid {gid}"


def in_group(gid: int) -> bool:
    """Is the current user a member of `gid` (primary or supplementary)?"""
    return gid == os.getegid() or gid in os.getgroups()


def shared_sticky(folder: os.stat_result) -> bool:
    """A sticky folder anyone may create files in, like /tmp: names there may be planted by others."""
    return bool(folder.st_mode & stat.S_ISVTX and folder.st_mode & stat.S_IWOTH)


def _mode(st: os.stat_result) -> str:
    return f"{stat.S_IMODE(st.st_mode):04o}"


def why_not_writable(path: Path, st: os.stat_result) -> str | None:
    """None when the current user may replace the file; else what is wrong and what would fix it."""
    name = printable(str(path))
    you = user_name(os.geteuid())
    owner, group = user_name(st.st_uid), group_name(st.st_gid)
    mine = st.st_uid == os.geteuid()
    # Mode bits as well as access(): a file someone made read-only stays protected even for root.
    if not st.st_mode & 0o222:
        fix = f"make it writable (chmod u+w {name})" if mine else f"ask its owner ({owner}) to make it writable"
        return f"the file is read-only (mode {_mode(st)}); {fix} to add to it"
    if os.access(path, os.W_OK):
        return None
    if mine:
        return f"the file is read-only for you, its owner (mode {_mode(st)}); make it writable (chmod u+w {name})"
    if st.st_mode & 0o020 and not in_group(st.st_gid):
        return (
            f"the file's group {group} may write it, but you ({you}) are not in that group; "
            f"ask to be added to {group} (and log in again)"
        )
    return (
        f"the file belongs to {owner} (group {group}, mode {_mode(st)}) and you ({you}) may not write it; "
        f"to share it with group {group}, its owner can run 'chmod g+w {name}'"
    )


def why_folder_not_writable(folder: Path) -> str | None:
    """None when the current user may create and rename files in `folder`; else why not, and the fix."""
    name = printable(str(folder))
    st = folder.stat()
    if os.access(folder, os.W_OK | os.X_OK) and st.st_mode & 0o222:
        return None
    you = user_name(os.geteuid())
    owner, group = user_name(st.st_uid), group_name(st.st_gid)
    if not st.st_mode & 0o222 or st.st_uid == os.geteuid():
        return f"the folder {name} is read-only (mode {_mode(st)}); make it writable (chmod u+w {name})"
    if st.st_mode & 0o020 and not in_group(st.st_gid):
        return (
            f"the folder {name} is writable by group {group}, but you ({you}) are not in that group; "
            f"ask to be added to {group} (and log in again)"
        )
    return (
        f"the folder {name} belongs to {owner} (group {group}, mode {_mode(st)}) and you ({you}) may not create "
        f"files in it; to share it with group {group}, its owner can run 'chmod g+w {name}'"
    )
