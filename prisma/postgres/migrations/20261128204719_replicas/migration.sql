-- AlterTable
ALTER TABLE "Cluster" ADD COLUMN     "statusTopic" TEXT;

-- AlterTable
ALTER TABLE "Job" ADD COLUMN     "requestId" TEXT;

-- CreateTable
CREATE TABLE "Lease" (
    "key" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Lease_pkey" PRIMARY KEY ("key")
);


-- At most one queued or running job per dedupe key, enforced by the database so that replicas
-- enqueueing at once cannot both add one (not expressible in the Prisma schema: partial index).
-- Older duplicates (only health polls carry a dedupe key) are dropped first.
DELETE FROM "Job" WHERE "dedupeKey" IS NOT NULL AND "status" IN ('queued', 'running') AND "id" NOT IN (
    SELECT MIN("id") FROM "Job" WHERE "dedupeKey" IS NOT NULL AND "status" IN ('queued', 'running') GROUP BY "dedupeKey"
);
CREATE UNIQUE INDEX "Job_dedupeKey_live_key" ON "Job"("dedupeKey") WHERE "status" IN ('queued', 'running');
