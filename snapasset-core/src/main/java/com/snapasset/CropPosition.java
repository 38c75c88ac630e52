package com.snapasset;

/** Which part of the source a {@link Fit#COVER} crop keeps. */
public enum CropPosition {
  /** The centre of the image. */
  CENTER
}
