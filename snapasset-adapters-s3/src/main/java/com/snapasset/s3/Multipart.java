package com.snapasset.s3;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/** A multipart upload of one in-memory file; aborted on failure so no orphan parts are billed. */
final class Multipart {
  private Multipart() {}

  static void upload(
      S3Client client,
      String bucket,
      String key,
      byte[] data,
      String contentType,
      String cacheControl,
      long partSize) {
    String uploadId =
        client
            .createMultipartUpload(
                r -> r.bucket(bucket).key(key).contentType(contentType).cacheControl(cacheControl))
            .uploadId();
    try {
      List<CompletedPart> parts = new ArrayList<>();
      int number = 1;
      for (long offset = 0; offset < data.length; offset += partSize, number++) {
        int length = (int) Math.min(partSize, data.length - offset);
        UploadPartRequest request =
            UploadPartRequest.builder()
                .bucket(bucket)
                .key(key)
                .uploadId(uploadId)
                .partNumber(number)
                .contentLength((long) length)
                .build();
        ByteBuffer slice = ByteBuffer.wrap(data, (int) offset, length).slice();
        String etag = client.uploadPart(request, RequestBody.fromRemainingByteBuffer(slice)).eTag();
        parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
      }
      client.completeMultipartUpload(
          r -> r.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
    } catch (RuntimeException e) {
      try {
        client.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId));
      } catch (RuntimeException abortFailure) {
        e.addSuppressed(abortFailure);
      }
      throw e;
    }
  }
}
