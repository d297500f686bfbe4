; Written by installer/build.py from core/version.py; do not edit.
#define AppName "科技创新奖补计算器"
#define AppVersion "0.1.0"
#define AppVersionNumeric "0.1.0.0"
#define AppExeName "kjjb.exe"
#define BundleDir "..\dist\kjjb"
