import type { Metadata } from "next";
import { Suspense } from "react";
import { Deliveries } from "./deliveries";

export const metadata: Metadata = { title: "Deliveries" };

export default function DeliveriesPage() {
  return (
    <Suspense>
      <Deliveries />
    </Suspense>
  );
}
