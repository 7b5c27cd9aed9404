-- AlterTable
ALTER TABLE "Contact" ADD COLUMN "name" TEXT;

-- AlterTable
ALTER TABLE "ChangeRequest" ADD COLUMN "applyOptionsJson" TEXT;

-- AlterTable
ALTER TABLE "ChangeItem" ADD COLUMN "payloadJson" TEXT;

-- AlterTable
ALTER TABLE "ConnectorHealth" ADD COLUMN "driftJson" TEXT;
ALTER TABLE "ConnectorHealth" ADD COLUMN "driftedAt" DATETIME;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Connector" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "clusterId" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "desiredState" TEXT NOT NULL DEFAULT 'RUNNING',
    "version" INTEGER NOT NULL DEFAULT 1,
    "deployedVersion" INTEGER,
    "configJson" TEXT NOT NULL,
    "secretConfigEnc" TEXT,
    "secretKeysJson" TEXT NOT NULL DEFAULT '[]',
    "connectorClass" TEXT NOT NULL DEFAULT '',
    "topics" TEXT NOT NULL DEFAULT '',
    "searchText" TEXT NOT NULL DEFAULT '',
    "autoRestart" BOOLEAN NOT NULL DEFAULT false,
    "maxRestarts" INTEGER NOT NULL DEFAULT 3,
    "backoffSeconds" INTEGER NOT NULL DEFAULT 30,
    "labelsJson" TEXT NOT NULL DEFAULT '[]',
    "deletedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Connector_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "Cluster" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Connector_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Connector" ("autoRestart", "backoffSeconds", "clusterId", "configJson", "connectorClass", "createdAt", "deletedAt", "deployedVersion", "desiredState", "id", "maxRestarts", "name", "searchText", "secretConfigEnc", "secretKeysJson", "teamId", "topics", "updatedAt", "version") SELECT "autoRestart", "backoffSeconds", "clusterId", "configJson", "connectorClass", "createdAt", "deletedAt", "deployedVersion", "desiredState", "id", "maxRestarts", "name", "searchText", "secretConfigEnc", "secretKeysJson", "teamId", "topics", "updatedAt", "version" FROM "Connector";
DROP TABLE "Connector";
ALTER TABLE "new_Connector" RENAME TO "Connector";
CREATE INDEX "Connector_clusterId_name_idx" ON "Connector"("clusterId", "name");
CREATE INDEX "Connector_teamId_name_idx" ON "Connector"("teamId", "name");
CREATE INDEX "Connector_name_idx" ON "Connector"("name");
CREATE INDEX "Connector_deletedAt_idx" ON "Connector"("deletedAt");
CREATE TABLE "new_Incident" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "clusterId" TEXT NOT NULL,
    "connectorName" TEXT NOT NULL,
    "connectorId" TEXT,
    "kind" TEXT NOT NULL DEFAULT 'failure',
    "state" TEXT NOT NULL DEFAULT 'open',
    "openedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closedAt" DATETIME,
    "trace" TEXT,
    "restartAttempts" INTEGER NOT NULL DEFAULT 0,
    "nextRestartAt" DATETIME,
    "notifiedAt" DATETIME,
    CONSTRAINT "Incident_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "Cluster" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Incident_connectorId_fkey" FOREIGN KEY ("connectorId") REFERENCES "Connector" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Incident" ("closedAt", "clusterId", "connectorId", "connectorName", "id", "nextRestartAt", "notifiedAt", "openedAt", "restartAttempts", "state", "trace") SELECT "closedAt", "clusterId", "connectorId", "connectorName", "id", "nextRestartAt", "notifiedAt", "openedAt", "restartAttempts", "state", "trace" FROM "Incident";
DROP TABLE "Incident";
ALTER TABLE "new_Incident" RENAME TO "Incident";
CREATE INDEX "Incident_clusterId_connectorName_state_idx" ON "Incident"("clusterId", "connectorName", "state");
CREATE INDEX "Incident_connectorId_state_idx" ON "Incident"("connectorId", "state");
CREATE INDEX "Incident_state_openedAt_idx" ON "Incident"("state", "openedAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

