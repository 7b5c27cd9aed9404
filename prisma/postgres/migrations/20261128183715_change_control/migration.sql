-- AlterTable
ALTER TABLE "User" ADD COLUMN     "oidcIssuer" TEXT,
ADD COLUMN     "oidcSubject" TEXT,
ADD COLUMN     "sessionVersion" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Cluster" ADD COLUMN     "requestTimeoutSeconds" INTEGER NOT NULL DEFAULT 120,
ALTER COLUMN "monitorIntervalSeconds" SET DEFAULT 10;

-- AlterTable
ALTER TABLE "ChangeRequest" ADD COLUMN     "recordJson" TEXT,
ADD COLUMN     "statusNote" TEXT;

-- CreateTable
CREATE TABLE "ChangeRequestWriter" (
    "id" TEXT NOT NULL,
    "changeRequestId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "firstRevision" INTEGER NOT NULL,
    "lastRevision" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ChangeRequestWriter_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RateLimiterFlexible" (
    "key" TEXT NOT NULL,
    "points" INTEGER NOT NULL,
    "expire" TIMESTAMP(3),

    CONSTRAINT "RateLimiterFlexible_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "ChangeRequestWriter_userId_idx" ON "ChangeRequestWriter"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "ChangeRequestWriter_changeRequestId_userId_key" ON "ChangeRequestWriter"("changeRequestId", "userId");

-- CreateIndex
CREATE UNIQUE INDEX "User_oidcIssuer_oidcSubject_key" ON "User"("oidcIssuer", "oidcSubject");

-- AddForeignKey
ALTER TABLE "ChangeRequestWriter" ADD CONSTRAINT "ChangeRequestWriter_changeRequestId_fkey" FOREIGN KEY ("changeRequestId") REFERENCES "ChangeRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChangeRequestWriter" ADD CONSTRAINT "ChangeRequestWriter_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Every change request's author wrote its revisions so far; editors are in the audit log.
INSERT INTO "ChangeRequestWriter" ("id", "changeRequestId", "userId", "firstRevision", "lastRevision", "createdAt")
SELECT 'w-' || "id", "id", "authorId", 1, "revision", "createdAt" FROM "ChangeRequest";
INSERT INTO "ChangeRequestWriter" ("id", "changeRequestId", "userId", "firstRevision", "lastRevision", "createdAt")
SELECT 'w-' || "entityId" || '-' || "actorId", "entityId", "actorId", 1, 1, MIN("createdAt") FROM "AuditEvent"
WHERE "action" = 'changeRequest.edit' AND "entityType" = 'changeRequest' AND "actorId" IS NOT NULL
  AND "entityId" IN (SELECT "id" FROM "ChangeRequest")
GROUP BY "entityId", "actorId"
ON CONFLICT DO NOTHING;
