package com.snapasset;

/** How a source image is fitted into a rendition's width × height. */
public enum Fit {
  /** Scale to fill the whole box, cropping what overflows (the exact size is kept). */
  COVER
}
