# scripts/release writes the release's version here while it builds the wheel, then restores this.
__version__ = "0.9.0.dev0"
