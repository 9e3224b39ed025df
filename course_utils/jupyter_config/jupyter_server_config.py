"""Jupyter server settings for the course's own servers: ``make lab``, the browser tests and the benchmarks load
this folder through ``JUPYTER_CONFIG_PATH`` (plain ``jupyter lab`` and Colab do not).

Widget messages (``comm_msg``) no longer count as kernel activity. ipykernel reports "busy" and then "idle" around
every message it handles; the live view (:mod:`course_utils.widgets.live`) sends 50 blocks a second, and
JupyterLab's reaction to the server's busy/idle bookkeeping for each of them took most of the page's time (an echo
widget's median round trip: about 450 ms with the default list, about 45 ms with this one). The cost: a kernel
busy only with widget messages no longer shows as busy in the server's kernel list, and such messages no longer
keep an idle kernel from being culled.

The list is jupyter_server's own default plus ``comm_msg``, read from the trait so that it follows new releases.
"""

from jupyter_server.services.kernels.kernelmanager import MappingKernelManager

UNTRACKED_BY_DEFAULT = MappingKernelManager.class_traits()["untracked_message_types"].default()

c = get_config()  # noqa: F821 — traitlets provides get_config() to the config files it loads
c.MappingKernelManager.untracked_message_types = [*UNTRACKED_BY_DEFAULT, "comm_msg"]
