# A minimal machine: replace with your own configuration.
{ ... }:
{
  nixpkgs.hostPlatform = "x86_64-linux";

  boot.loader.grub.device = "nodev";
  fileSystems."/" = {
    device = "/dev/disk/by-label/nixos";
    fsType = "ext4";
  };

  system.stateVersion = "26.05";
}
