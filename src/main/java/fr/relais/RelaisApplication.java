package fr.relais;

import fr.relais.sim.GenerateStudyCommand;
import fr.relais.sim.SimulateHospitalsCommand;
import fr.relais.sim.SimulateNightCommand;
import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class RelaisApplication {

    public static void main(String[] args) throws Exception {
        // Command-line tools that need no server: dispatched before Spring starts.
        if (args.length > 0 && args[0].equals("generate-study")) {
            System.exit(GenerateStudyCommand.run(Arrays.copyOfRange(args, 1, args.length)));
        }
        if (args.length > 1 && args[0].equals("simulate") && args[1].equals("night")) {
            System.exit(SimulateNightCommand.run(Arrays.copyOfRange(args, 2, args.length)));
        }
        if (args.length > 1 && args[0].equals("simulate") && args[1].equals("hospitals")) {
            System.exit(SimulateHospitalsCommand.run(Arrays.copyOfRange(args, 2, args.length)));
        }
        SpringApplication.run(RelaisApplication.class, args);
    }
}
