"""A few X11 calls (ctypes on libX11, which GTK already needs) for what WebDriver cannot do:
find an app's windows and close one the way a window manager does (WM_DELETE_WINDOW), which is
what the user's close button sends. Under Xvfb there is no window manager: top-level windows
are children of the root window."""

from __future__ import annotations

import ctypes
import ctypes.util

_x = ctypes.cdll.LoadLibrary(ctypes.util.find_library("X11") or "libX11.so.6")
_x.XOpenDisplay.restype = ctypes.c_void_p
_x.XOpenDisplay.argtypes = [ctypes.c_char_p]
_x.XDefaultRootWindow.restype = ctypes.c_ulong
_x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
_x.XInternAtom.restype = ctypes.c_ulong
_x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
_x.XQueryTree.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong),
                          ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.POINTER(ctypes.c_ulong)),
                          ctypes.POINTER(ctypes.c_uint)]
_x.XGetWindowProperty.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_long,
                                  ctypes.c_long, ctypes.c_int, ctypes.c_ulong,
                                  ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_int),
                                  ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_ulong),
                                  ctypes.POINTER(ctypes.c_void_p)]
_x.XFree.argtypes = [ctypes.c_void_p]
_x.XCloseDisplay.argtypes = [ctypes.c_void_p]
_x.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long, ctypes.c_void_p]
_x.XFlush.argtypes = [ctypes.c_void_p]


# Xlib's default error handler ends the process; a window that goes away between listing and
# asking about it (BadWindow) is normal here, so errors are ignored (the call then reports 0).
_ERROR_HANDLER = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
_ignore_errors = _ERROR_HANDLER(lambda display, event: 0)
_x.XSetErrorHandler.restype = ctypes.c_void_p
_x.XSetErrorHandler.argtypes = [_ERROR_HANDLER]
_x.XSetErrorHandler(_ignore_errors)


class _Attrs(ctypes.Structure):
    _fields_ = [("x", ctypes.c_int), ("y", ctypes.c_int), ("width", ctypes.c_int),
                ("height", ctypes.c_int), ("border_width", ctypes.c_int), ("depth", ctypes.c_int),
                ("visual", ctypes.c_void_p), ("root", ctypes.c_ulong), ("class_", ctypes.c_int),
                ("bit_gravity", ctypes.c_int), ("win_gravity", ctypes.c_int),
                ("backing_store", ctypes.c_int), ("backing_planes", ctypes.c_ulong),
                ("backing_pixel", ctypes.c_ulong), ("save_under", ctypes.c_int),
                ("colormap", ctypes.c_ulong), ("map_installed", ctypes.c_int),
                ("map_state", ctypes.c_int), ("all_event_masks", ctypes.c_long),
                ("your_event_mask", ctypes.c_long), ("do_not_propagate_mask", ctypes.c_long),
                ("override_redirect", ctypes.c_int), ("screen", ctypes.c_void_p)]


_x.XGetWindowAttributes.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(_Attrs)]


class _ClientMessage(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                ("display", ctypes.c_void_p), ("window", ctypes.c_ulong),
                ("message_type", ctypes.c_ulong), ("format", ctypes.c_int),
                ("data", ctypes.c_long * 5)]


class _Event(ctypes.Union):
    _fields_ = [("xclient", _ClientMessage), ("pad", ctypes.c_long * 24)]


_CLIENT_MESSAGE = 33
_IS_VIEWABLE = 2
_XA_CARDINAL = 6


class Display:
    def __enter__(self):
        self.d = _x.XOpenDisplay(None)
        if not self.d:
            raise RuntimeError("no X display")
        return self

    def __exit__(self, *exc):
        _x.XCloseDisplay(self.d)

    def _pid(self, w: int) -> int | None:
        atom = _x.XInternAtom(self.d, b"_NET_WM_PID", 1)
        if not atom:
            return None
        typ, fmt = ctypes.c_ulong(), ctypes.c_int()
        n, rest, data = ctypes.c_ulong(), ctypes.c_ulong(), ctypes.c_void_p()
        if _x.XGetWindowProperty(self.d, w, atom, 0, 1, 0, _XA_CARDINAL, ctypes.byref(typ),
                                 ctypes.byref(fmt), ctypes.byref(n), ctypes.byref(rest),
                                 ctypes.byref(data)) != 0 or not data.value:
            return None
        try:
            return ctypes.cast(data, ctypes.POINTER(ctypes.c_ulong))[0] if n.value else None
        finally:
            _x.XFree(data)

    def windows(self, pid: int, min_width: int = 600) -> list[int]:
        """The viewable top-level windows of process pid at least min_width wide."""
        root = _x.XDefaultRootWindow(self.d)
        r, p = ctypes.c_ulong(), ctypes.c_ulong()
        kids, n = ctypes.POINTER(ctypes.c_ulong)(), ctypes.c_uint()
        if not _x.XQueryTree(self.d, root, ctypes.byref(r), ctypes.byref(p), ctypes.byref(kids),
                             ctypes.byref(n)):
            return []
        found = []
        try:
            for i in range(n.value):
                w = kids[i]
                a = _Attrs()
                if not _x.XGetWindowAttributes(self.d, w, ctypes.byref(a)):
                    continue
                if a.map_state == _IS_VIEWABLE and a.width >= min_width and self._pid(w) == pid:
                    found.append(w)
        finally:
            if kids:
                _x.XFree(kids)
        return found

    def close(self, w: int):
        """WM_DELETE_WINDOW to w: what a window manager sends when the user closes it."""
        ev = _Event()
        ev.xclient.type = _CLIENT_MESSAGE
        ev.xclient.window = w
        ev.xclient.message_type = _x.XInternAtom(self.d, b"WM_PROTOCOLS", 0)
        ev.xclient.format = 32
        ev.xclient.data[0] = _x.XInternAtom(self.d, b"WM_DELETE_WINDOW", 0)
        ev.xclient.data[1] = 0  # CurrentTime
        _x.XSendEvent(self.d, w, 0, 0, ctypes.byref(ev))
        _x.XFlush(self.d)


def windows(pid: int) -> list[int]:
    with Display() as d:
        return d.windows(pid)


def close_windows(pid: int) -> int:
    with Display() as d:
        ws = d.windows(pid)
        for w in ws:
            d.close(w)
        return len(ws)
