package com.snapasset.internal;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * Whether an address is on the public internet: the test a source-image URL must pass for every
 * address its host resolves to. Everything a server-side request must not reach from an
 * untrusted URL is refused: loopback, private (RFC 1918), link-local (cloud metadata at
 * 169.254.169.254), carrier-grade NAT, unique-local IPv6, multicast, documentation, benchmarking and
 * reserved ranges, and IPv4 addresses embedded in IPv6 (mapped, compatible, 6to4, NAT64).
 */
final class PublicAddresses {
  private PublicAddresses() {}

  static boolean isPublic(InetAddress address) {
    if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
        || address.isSiteLocalAddress() || address.isMulticastAddress()) {
      return false;
    }
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      return isPublicV4(b, 0);
    }
    int first = b[0] & 0xff;
    int second = b[1] & 0xff;
    if ((first & 0xfe) == 0xfc) {
      return false; // fc00::/7 unique local
    }
    if (first == 0x20 && second == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
      return false; // 2001:db8::/32 documentation
    }
    if (first == 0x20 && second == 0x01 && b[2] == 0 && b[3] == 0) {
      return false; // 2001::/32 Teredo tunnels: the real peer is hidden
    }
    if (first == 0x20 && second == 0x02) {
      return isPublicV4(b, 2); // 2002::/16 6to4 carries an IPv4 address
    }
    if (first == 0x00 && second == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
      return isPublicV4(b, 12); // 64:ff9b::/96 NAT64
    }
    boolean zeroPrefix = true;
    for (int i = 0; i < 10; i++) {
      zeroPrefix &= b[i] == 0;
    }
    if (zeroPrefix && ((b[10] == 0 && b[11] == 0) || ((b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff))) {
      return isPublicV4(b, 12); // ::a.b.c.d (compatible) and ::ffff:a.b.c.d (mapped)
    }
    return true;
  }

  private static boolean isPublicV4(byte[] b, int at) {
    int a0 = b[at] & 0xff;
    int a1 = b[at + 1] & 0xff;
    int a2 = b[at + 2] & 0xff;
    return !(a0 == 0                                  // 0.0.0.0/8 "this network"
        || a0 == 10                                   // 10/8 private
        || a0 == 127                                  // loopback
        || (a0 == 100 && (a1 & 0xc0) == 64)           // 100.64/10 carrier-grade NAT
        || (a0 == 169 && a1 == 254)                   // link-local, cloud metadata
        || (a0 == 172 && (a1 & 0xf0) == 16)           // 172.16/12 private
        || (a0 == 192 && a1 == 0 && a2 == 0)          // 192.0.0/24 protocol assignments
        || (a0 == 192 && a1 == 0 && a2 == 2)          // documentation
        || (a0 == 192 && a1 == 168)                   // 192.168/16 private
        || (a0 == 198 && (a1 & 0xfe) == 18)           // 198.18/15 benchmarking
        || (a0 == 198 && a1 == 51 && a2 == 100)       // documentation
        || (a0 == 203 && a1 == 0 && a2 == 113)        // documentation
        || a0 >= 224);                                // multicast, reserved, broadcast
  }
}
