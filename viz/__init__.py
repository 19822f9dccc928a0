"""Pictures: the pygame tabletop view (live, replay, drill console), matplotlib maps, the CJK font they share.

`scene` rebuilds the state at any minute from the event stream, `draw` paints it onto any Surface
(no window needed), `app` is the thin window shell; headless runs never import this package.
"""
import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")   # the view prints its own messages
