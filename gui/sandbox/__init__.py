"""政策沙盘's three tabs (gui.pages.sandbox is the page): 沙盘, 预算测算, 政策效益, and what they share."""
