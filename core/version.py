"""The program's version: the one place it is written."""

__version__ = "0.1.0"
APP_NAME = "科技创新奖补计算器"
