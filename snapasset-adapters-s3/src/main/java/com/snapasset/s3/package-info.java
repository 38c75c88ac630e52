/**
 * Asset storage on S3-compatible object storage (AWS S3, Supabase Storage, MinIO, Cloudflare R2)
 * through the AWS SDK for Java v2. The entry point is {@link com.snapasset.s3.S3AssetStorage}.
 */
@NullMarked
package com.snapasset.s3;

import org.jspecify.annotations.NullMarked;
