-- AlterTable
ALTER TABLE "ChangeRequest" ADD COLUMN "recordJson" TEXT;
ALTER TABLE "ChangeRequest" ADD COLUMN "statusNote" TEXT;

-- CreateTable
CREATE TABLE "ChangeRequestWriter" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "changeRequestId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "firstRevision" INTEGER NOT NULL,
    "lastRevision" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ChangeRequestWriter_changeRequestId_fkey" FOREIGN KEY ("changeRequestId") REFERENCES "ChangeRequest" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ChangeRequestWriter_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "RateLimiterFlexible" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "points" INTEGER NOT NULL,
    "expire" DATETIME
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_User" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT,
    "role" TEXT NOT NULL DEFAULT 'viewer',
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "oidcIssuer" TEXT,
    "oidcSubject" TEXT,
    "sessionVersion" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_User" ("createdAt", "disabled", "email", "id", "name", "passwordHash", "role", "updatedAt") SELECT "createdAt", "disabled", "email", "id", "name", "passwordHash", "role", "updatedAt" FROM "User";
DROP TABLE "User";
ALTER TABLE "new_User" RENAME TO "User";
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
CREATE UNIQUE INDEX "User_oidcIssuer_oidcSubject_key" ON "User"("oidcIssuer", "oidcSubject");
CREATE TABLE "new_Cluster" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "environment" TEXT NOT NULL,
    "connectUrls" TEXT NOT NULL,
    "bootstrapServers" TEXT,
    "authUsernameEnv" TEXT,
    "authPasswordEnv" TEXT,
    "approvalsRequired" INTEGER NOT NULL DEFAULT 1,
    "monitorIntervalSeconds" INTEGER NOT NULL DEFAULT 10,
    "requestTimeoutSeconds" INTEGER NOT NULL DEFAULT 120,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Cluster" ("approvalsRequired", "authPasswordEnv", "authUsernameEnv", "bootstrapServers", "connectUrls", "createdAt", "environment", "id", "monitorIntervalSeconds", "name", "updatedAt") SELECT "approvalsRequired", "authPasswordEnv", "authUsernameEnv", "bootstrapServers", "connectUrls", "createdAt", "environment", "id", "monitorIntervalSeconds", "name", "updatedAt" FROM "Cluster";
DROP TABLE "Cluster";
ALTER TABLE "new_Cluster" RENAME TO "Cluster";
CREATE UNIQUE INDEX "Cluster_name_key" ON "Cluster"("name");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "ChangeRequestWriter_userId_idx" ON "ChangeRequestWriter"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "ChangeRequestWriter_changeRequestId_userId_key" ON "ChangeRequestWriter"("changeRequestId", "userId");


-- Every change request's author wrote its revisions so far; editors are in the audit log.
INSERT INTO "ChangeRequestWriter" ("id", "changeRequestId", "userId", "firstRevision", "lastRevision", "createdAt")
SELECT 'w-' || "id", "id", "authorId", 1, "revision", "createdAt" FROM "ChangeRequest";
INSERT OR IGNORE INTO "ChangeRequestWriter" ("id", "changeRequestId", "userId", "firstRevision", "lastRevision", "createdAt")
SELECT 'w-' || "entityId" || '-' || "actorId", "entityId", "actorId", 1, 1, MIN("createdAt") FROM "AuditEvent"
WHERE "action" = 'changeRequest.edit' AND "entityType" = 'changeRequest' AND "actorId" IS NOT NULL
  AND "entityId" IN (SELECT "id" FROM "ChangeRequest")
GROUP BY "entityId", "actorId";
