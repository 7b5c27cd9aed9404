-- CreateEnum
CREATE TYPE "IncidentKind" AS ENUM ('failure', 'drift');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "ChangeAction" ADD VALUE 'reset_offsets';
ALTER TYPE "ChangeAction" ADD VALUE 'set_offsets';
ALTER TYPE "ChangeAction" ADD VALUE 'move';
ALTER TYPE "ChangeAction" ADD VALUE 'create_topic';
ALTER TYPE "ChangeAction" ADD VALUE 'delete_topic';

-- AlterTable
ALTER TABLE "Connector" ADD COLUMN     "labelsJson" TEXT NOT NULL DEFAULT '[]';

-- AlterTable
ALTER TABLE "Contact" ADD COLUMN     "name" TEXT;

-- AlterTable
ALTER TABLE "ChangeRequest" ADD COLUMN     "applyOptionsJson" TEXT;

-- AlterTable
ALTER TABLE "ChangeItem" ADD COLUMN     "payloadJson" TEXT;

-- AlterTable
ALTER TABLE "ConnectorHealth" ADD COLUMN     "driftJson" TEXT,
ADD COLUMN     "driftedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Incident" ADD COLUMN     "kind" "IncidentKind" NOT NULL DEFAULT 'failure';

