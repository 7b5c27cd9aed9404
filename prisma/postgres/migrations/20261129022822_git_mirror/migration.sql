-- AlterEnum
ALTER TYPE "IncidentKind" ADD VALUE 'git_conflict';

-- AlterTable
ALTER TABLE "Cluster" ADD COLUMN     "gitBranch" TEXT,
ADD COLUMN     "gitCommit" TEXT,
ADD COLUMN     "gitPath" TEXT,
ADD COLUMN     "gitRepository" TEXT;

