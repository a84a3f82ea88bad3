# flakegate applied to itself: the closure of the flakegate package (the
# binary, glibc and the few libraries they load) must stay small, checked
# through this flake's own `lib.closureBudget`.
{
  pkgs,
  flakegate,
  flakegateLib,
}:
flakegateLib.closureBudget {
  inherit pkgs;
  drv = flakegate;
  maxSize = "80MiB";
  warnSize = "60MiB";
  maxPaths = 16;
}
