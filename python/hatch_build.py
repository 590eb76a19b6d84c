"""Tags the wheel for the platform of the server binary it carries.

scripts/release sets UNDERSTUDY_WHEEL_PLATFORM (e.g. manylinux_2_34_x86_64, from the newest glibc
symbol the binary needs). Without it (e.g. `pip install -e python`) the wheel is pure Python and
the plugin finds the server through UNDERSTUDY_BIN or PATH.
"""
import os

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version, build_data):
        platform = os.environ.get("UNDERSTUDY_WHEEL_PLATFORM")
        if self.target_name != "wheel" or not platform:
            return
        if not os.path.isfile(os.path.join(self.root, "understudy_pytest", "bin", "understudy")):
            raise RuntimeError("UNDERSTUDY_WHEEL_PLATFORM is set but understudy_pytest/bin/understudy is missing")
        build_data["pure_python"] = False
        build_data["tag"] = f"py3-none-{platform}"
