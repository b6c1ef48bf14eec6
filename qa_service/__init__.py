"""policy-qa: cited answers from a privacy statement."""

__version__ = "0.1.0"
