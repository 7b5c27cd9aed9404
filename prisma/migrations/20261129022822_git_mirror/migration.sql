-- AlterTable
ALTER TABLE "Cluster" ADD COLUMN "gitBranch" TEXT;
ALTER TABLE "Cluster" ADD COLUMN "gitCommit" TEXT;
ALTER TABLE "Cluster" ADD COLUMN "gitPath" TEXT;
ALTER TABLE "Cluster" ADD COLUMN "gitRepository" TEXT;

