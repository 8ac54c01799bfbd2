/** The erasure's bucket operations on S3 (AWS SDK v3), each the one API call it names. */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
  RestoreObjectCommand,
  type S3Client,
  type ServerSideEncryption,
  type StorageClass,
} from '@aws-sdk/client-s3';
import type { ErasureStore, ObjectHead, ObjectVersion } from './engine';
import { FIRST_WRITTEN_METADATA, RETENTION_LEFT_TAG } from '../../config/rewrite-retention';

const required = (date: Date | undefined, key: string): Date => {
  if (!date) throw new Error(`S3 listed a version of ${key} without LastModified`);
  return date;
};

export function s3Store(s3: S3Client, bucket: string): ErasureStore {
  const bytes = async (body: unknown) =>
    Buffer.from(await (body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
  return {
    async *versions(prefix) {
      let KeyMarker: string | undefined;
      let VersionIdMarker: string | undefined;
      do {
        const page = await s3.send(
          new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker, VersionIdMarker }),
        );
        const out: ObjectVersion[] = [];
        for (const v of page.Versions ?? [])
          out.push({
            key: v.Key!,
            versionId: v.VersionId!,
            latest: v.IsLatest === true,
            deleteMarker: false,
            storageClass: v.StorageClass ?? 'STANDARD',
            // S3 always returns LastModified (S3 API, ListObjectVersions); never defaulted: the retention of a rewrite
            // starts from it (engine.ts), and an epoch would make every object look expired.
            lastModified: required(v.LastModified, v.Key!),
            size: v.Size ?? 0,
          });
        for (const m of page.DeleteMarkers ?? [])
          out.push({
            key: m.Key!,
            versionId: m.VersionId!,
            latest: m.IsLatest === true,
            deleteMarker: true,
            storageClass: '',
            lastModified: m.LastModified ?? new Date(0),
            size: 0,
          });
        // A page lists versions and delete markers apart, each in key order (S3 API, ListObjectVersions): merged by
        // key, so a key's versions come together; pages follow in key order.
        yield* out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
        [KeyMarker, VersionIdMarker] = page.IsTruncated
          ? [page.NextKeyMarker, page.NextVersionIdMarker]
          : [undefined, undefined];
      } while (KeyMarker);
    },
    async head(key, versionId) {
      const h = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
      // x-amz-restore: absent, `ongoing-request="true"`, or `ongoing-request="false", expiry-date=…` (S3
      // API, HeadObject).
      const restore: ObjectHead['restore'] = !h.Restore
        ? 'none'
        : h.Restore.includes('ongoing-request="true"')
          ? 'ongoing'
          : 'restored';
      const firstWritten = h.Metadata?.[FIRST_WRITTEN_METADATA];
      return {
        etag: h.ETag!,
        storageClass: h.StorageClass ?? 'STANDARD',
        restore,
        encryption: h.ServerSideEncryption,
        kmsKeyId: h.SSEKMSKeyId,
        contentType: h.ContentType,
        contentEncoding: h.ContentEncoding,
        ...(firstWritten ? { firstWritten } : {}),
      };
    },
    async get(key, versionId) {
      return bytes((await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }))).Body);
    },
    async tail(key, versionId, n) {
      // A suffix range: the last n bytes, or the whole object when it is shorter (RFC 9110 §14.1.2; S3 API, GetObject,
      // Range, https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html). The erasure policy's s3:GetObject
      // on the events folder covers it.
      return bytes(
        (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId, Range: `bytes=-${n}` })))
          .Body,
      );
    },
    async replace(key, body, like, ifMatch, retention) {
      try {
        const put = await s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: body,
            // S3 conditional writes: the put fails with 412 when the object is no longer the version read.
            IfMatch: ifMatch,
            StorageClass: like.storageClass as StorageClass,
            ServerSideEncryption: like.encryption as ServerSideEncryption | undefined,
            SSEKMSKeyId: like.kmsKeyId,
            ContentType: like.contentType,
            ContentEncoding: like.contentEncoding,
            // The data's first write and the days it has left: the tagged lifecycle rule expires it in time
            // (config/rewrite-retention.ts). Tagging on PutObject needs s3:PutObjectTagging (S3 API
            // reference, PutObject).
            ...(retention
              ? {
                  Metadata: { [FIRST_WRITTEN_METADATA]: retention.firstWritten },
                  Tagging: `${RETENTION_LEFT_TAG}=${retention.daysLeft}`,
                }
              : {}),
          }),
        );
        return put.VersionId!;
      } catch (error) {
        if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 412) return 'changed';
        throw error;
      }
    },
    async deleteVersion(key, versionId) {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
    },
    async restore(key, versionId, days) {
      // Bulk: the cheapest tier; Deep Archive restores within 48 hours (S3 user guide, archive retrieval options).
      await s3.send(
        new RestoreObjectCommand({
          Bucket: bucket,
          Key: key,
          VersionId: versionId,
          RestoreRequest: { Days: days, GlacierJobParameters: { Tier: 'Bulk' } },
        }),
      );
    },
    async readJson(key) {
      try {
        return JSON.parse(
          (await bytes((await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body)).toString('utf8'),
        );
      } catch (error) {
        if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
        throw error;
      }
    },
    async writeJson(key, value) {
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: `${JSON.stringify(value, null, 2)}\n`,
          ContentType: 'application/json',
        }),
      );
    },
    async keys(prefix) {
      const out: string[] = [];
      let ContinuationToken: string | undefined;
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken }));
        out.push(...(page.Contents ?? []).map((o) => o.Key!));
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
      return out;
    },
    async createJson(key, value) {
      try {
        // S3 conditional writes: `If-None-Match: *` fails with 412 when the key exists (S3 user guide, "Add
        // preconditions to S3 operations with conditional requests").
        await s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: `${JSON.stringify(value, null, 2)}\n`,
            ContentType: 'application/json',
            IfNoneMatch: '*',
          }),
        );
        return true;
      } catch (error) {
        if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 412) return false;
        throw error;
      }
    },
  };
}
