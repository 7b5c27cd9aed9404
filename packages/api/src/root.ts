import { adoptRouter } from "./routers/adopt";
import { auditRouter } from "./routers/audit";
import { bulkRouter } from "./routers/bulk";
import { changeRequestRouter } from "./routers/change-request";
import { clusterRouter } from "./routers/cluster";
import { connectorRouter } from "./routers/connector";
import { deploymentRouter } from "./routers/deployment";
import { driftRouter } from "./routers/drift";
import { incidentRouter } from "./routers/incident";
import { notificationRouter } from "./routers/notification";
import { offsetsRouter } from "./routers/offsets";
import { rollbackRouter } from "./routers/rollback";
import { teamRouter } from "./routers/team";
import { tokenRouter } from "./routers/token";
import { userRouter } from "./routers/user";
import { createCallerFactory, createTRPCRouter, protectedProcedure } from "./trpc";

export const appRouter = createTRPCRouter({
  me: protectedProcedure.query(({ ctx }) => ctx.user),
  changeRequest: changeRequestRouter,
  bulk: bulkRouter,
  adopt: adoptRouter,
  connector: connectorRouter,
  deployment: deploymentRouter,
  drift: driftRouter,
  cluster: clusterRouter,
  team: teamRouter,
  user: userRouter,
  notification: notificationRouter,
  audit: auditRouter,
  offsets: offsetsRouter,
  rollback: rollbackRouter,
  incident: incidentRouter,
  token: tokenRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
